// Uyghur and English for api.js; the keys are the Chinese texts.
export default {
  '无法连接服务器，请检查网络后重试': { ug: 'مۇلازىمېتىرغا ئۇلىنالمىدى، تورنى تەكشۈرۈپ قايتا سىناڭ', en: 'Cannot reach the server; check the network and retry' },
  '找不到该资源，可能尚未开通': { ug: 'بۇ مەزمۇن تېپىلمىدى، تېخى ئېچىلمىغان بولۇشى مۇمكىن', en: 'Not found; the function may not be available yet' },
  '提交的内容过大': { ug: 'يوللانغان مەزمۇن بەك چوڭ', en: 'The request is too large' },
  '服务暂时不可用，请稍后再试': { ug: 'مۇلازىمەت ۋاقىتلىق ئىشلىمەيدۇ، سەل تۇرۇپ قايتا سىناڭ', en: 'The service is unavailable; try again later' },
  '请求失败（{status}）': { ug: 'ئىلتىماس مەغلۇپ بولدى ({status})', en: 'Request failed ({status})' },
};
