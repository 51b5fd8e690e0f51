// Uyghur and English for labels.js; the keys are the Chinese texts.
export default {
  '尚未评估': { ug: 'تېخى باھالانمىغان', en: 'Not yet assessed' },
  '具备资格': { ug: 'سالاھىيىتى بار', en: 'Eligible' },
  '未评估': { ug: 'باھالانمىغان', en: 'Not assessed' },
  '视同认证合格': { ug: 'دەلىللەشتىن ئۆتكەن دەپ قارىلىدۇ', en: 'Counts as certified' },
  '先停后查': { ug: 'ئاۋۋال توختىتىپ ئاندىن ئېنىقلاش', en: 'Suspend, then verify' },
  '仅存档': { ug: 'پەقەت ئارخىپقا ئېلىنىدۇ', en: 'Record only' },
  '先查不停': { ug: 'توختاتماي ئاۋۋال ئېنىقلاش', en: 'Verify without suspending' },
  '撤回': { ug: 'قايتۇرۇۋېلىش', en: 'Retraction' },
};
