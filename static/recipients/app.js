// The recipients' page of zige: log in (from the mini-program's assertion,
// or the clearly marked demo login), see where each benefit stands, certify
// with a face check, ask for a home visit, object to a suspension, report a
// relative's death, see the history, log out. One task per screen. Anyone,
// logged in or not, may also report improper receipt of benefits or staff
// misconduct and follow it with the reference given (#report, #report-track).
//
// This module boots the page and names its screens; the shared state and the
// router are in ./state.js, the pieces screens are built of in ./pieces.js,
// and each screen is in ./screens/.

import { h, clear } from '../shared/dom.js';
import { t, setLang, applyLang, ORDER } from './i18n.js';
import { api, errorMessage, getToken } from './api.js';
import { go, goHome, hashScreen, HASHES, render, trackDrafts, defineScreens } from './state.js';
import { loginScreen, loginWith } from './screens/login.js';
import { homeScreen, loadStatus } from './screens/home.js';
import { certifyScreen, certifyDoneScreen, certifyVisitScreen } from './screens/certify.js';
import { visitScreen } from './screens/visit.js';
import { doneScreen } from './screens/done.js';
import { objectScreen } from './screens/object.js';
import { deathScreen } from './screens/death.js';
import { historyScreen } from './screens/history.js';
import { reportScreen, reportDoneScreen } from './screens/report.js';
import { reportTrackScreen } from './screens/report-track.js';

defineScreens({
  login: loginScreen,
  home: homeScreen,
  certify: certifyScreen,
  'certify-done': certifyDoneScreen,
  'certify-visit': certifyVisitScreen,
  visit: visitScreen,
  'visit-done': doneScreen('visit'),
  object: objectScreen,
  'object-done': doneScreen('object'),
  death: deathScreen,
  'death-done': doneScreen('death'),
  history: historyScreen,
  report: reportScreen,
  'report-done': reportDoneScreen,
  'report-track': reportTrackScreen,
});

/** Builds the header, the language switcher and the footer once; later only their texts change. */
function buildChrome() {
  const nav = document.getElementById('languages');
  clear(nav);
  for (const code of ORDER) {
    nav.appendChild(
      h('button', {
        type: 'button',
        class: 'lang-button',
        lang: { zh: 'zh-CN', ug: 'ug', en: 'en' }[code],
        dir: code === 'ug' ? 'rtl' : 'ltr',
        'data-lang': code,
        'data-testid': `lang-${code}`,
        on: { click: () => switchLanguage(code) },
      }),
    );
  }
}

function switchLanguage(code) {
  setLang(code);
  render({ focus: false });
  // Signed in: messages follow the choice too, and the reasons come again in it.
  if (getToken()) {
    api('PUT', '/api/v1/me/language', { language: code }).catch(() => {});
    loadStatus();
  }
}

// ------------------------------------------------------------------ boot

async function boot() {
  applyLang();
  buildChrome();
  trackDrafts(document.getElementById('screen'));
  const fragment = new URLSearchParams(location.hash.replace(/^#/, ''));
  const assertion = fragment.get('assertion');
  if (assertion) {
    // The mini-program's identity assertion: used once, then removed from the URL.
    try {
      history.replaceState(null, '', location.pathname + location.search);
    } catch {
      location.hash = '';
    }
    go('login', { pending: true }, { replace: true, message: { kind: 'info', text: () => t('login.logging_in') } });
    try {
      await loginWith(assertion);
    } catch (error) {
      go('login', {}, { replace: true, message: { kind: 'error', text: () => `${t('login.failed')} ${errorMessage(error)}` } });
    }
    return;
  }
  const routed = hashScreen();
  if (routed) {
    // Opened at #report (a poster's QR code), or reloaded on a report screen:
    // a reload keeps the reference just given.
    const entry = history.state;
    if (entry && entry.screen && HASHES[entry.screen] === location.hash) go(entry.screen, entry.params || {}, { replace: true });
    else go(routed, {}, { replace: true });
    return;
  }
  if (getToken()) goHome({ replace: true });
  else go('login', {}, { replace: true });
}

boot();
