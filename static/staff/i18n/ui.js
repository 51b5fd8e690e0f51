// Uyghur and English for ui.js; the keys are the Chinese texts.
export default {
  '操作失败，请稍后重试': { ug: 'مەشغۇلات مەغلۇپ بولدى، سەل تۇرۇپ قايتا سىناڭ', en: 'Something went wrong; try again later' },
  '表格': { ug: 'جەدۋەل', en: 'Table' },
  '暂定': { ug: 'ۋاقىتلىق', en: 'Provisional' },
  '按法定节假日推算，待当年节假日安排载入后重算': { ug: 'قانۇنلۇق دەم ئېلىش كۈنلىرى بويىچە مۆلچەرلەندى، شۇ يىلنىڭ دەم ئېلىش ئورۇنلاشتۇرۇلۇشى كىرگۈزۈلگەندىن كېيىن قايتا ھېسابلىنىدۇ', en: 'Estimated from the statutory holidays; recalculated once the year\'s holiday schedule is loaded' },
  '依据要求 {id}': { ug: 'تەلەپ {id} گە ئاساسەن', en: 'Requirement {id}' },
  '关闭': { ug: 'تاقاش', en: 'Close' },
};
