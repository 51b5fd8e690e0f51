// The console's translation tables, one per module (see ../i18n.js).

import common from './common.js';
import admin from './admin.js';
import api from './api.js';
import app from './app.js';
import archives from './archives.js';
import audit from './audit.js';
import dashboard from './dashboard.js';
import decisions from './decisions.js';
import frontdesk from './frontdesk.js';
import homevisits from './homevisits.js';
import imports from './imports.js';
import labels from './labels.js';
import ledgers from './ledgers.js';
import lists from './lists.js';
import partners from './partners.js';
import persons from './persons.js';
import policies from './policies.js';
import recoveries from './recoveries.js';
import reports from './reports.js';
import signins from './signins.js';
import tasks from './tasks.js';
import ui from './ui.js';

export default [common, admin, api, app, archives, audit, dashboard, decisions, frontdesk, homevisits, imports, labels, ledgers, lists, partners, persons, policies, recoveries, reports, signins, tasks, ui];
