//! What zige tells a person (the SMS and mini-program messages of R4.1,
//! R6.3, R7.1–R7.3, R3.5), in the person's language: plain words, the
//! next step, no jargon. The effects decide which message; the executor
//! renders it in the language on file for the person.

use crate::benefit::BenefitType;
use crate::language::Language;
use chrono::NaiveDate;

/// A message to one person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Message {
    /// Payment suspended after verification (R7.1).
    Suspended,
    /// Payment restored with back-pay (R7.2).
    Restored,
    /// Payment terminated after three months without an objection (R7.2).
    Terminated,
    /// A wrong termination corrected (R3.5).
    Reinstated,
    /// A recovery case withdrawn because its basis fell away (R7.3).
    RecoveryWithdrawn,
    /// The day of a home visit the person asked for (R6.3).
    VisitScheduled {
        /// The day.
        on: NaiveDate,
    },
    /// Failed face checks turned into a home visit (R6.3).
    FaceFailedVisit,
    /// A reminder before the due date (R4.1).
    DueSoon {
        /// How the message greets the person (a masked name).
        addressee: String,
        /// The benefit to certify.
        benefit: BenefitType,
        /// The due date.
        due: NaiveDate,
    },
    /// A reminder once the due date has passed (R4.1, R6.1).
    Overdue {
        /// How the message greets the person (a masked name).
        addressee: String,
        /// The benefit to certify.
        benefit: BenefitType,
        /// The due date that passed.
        due: NaiveDate,
    },
}

impl Message {
    /// The text in `language`.
    pub fn text(&self, language: Language) -> String {
        let l = language;
        let benefit_name = |b: &BenefitType| l.pick(b.name_zh(), b.name_ug(), b.name_en());
        match self {
            Self::Suspended => l
                .pick(
                    "您好：经核实，您的社会保险待遇自下月起暂停发放。如有异议，请在三个月内向社区或区退管机构提出。",
                    "ياخشىمۇسىز: تەكشۈرۈش نەتىجىسىدە ئىجتىمائىي سۇغۇرتا تەمىناتىڭىز كېلەر ئايدىن باشلاپ ۋاقىتلىق توختىتىلىدۇ. ئىتىرازىڭىز بولسا، ئۈچ ئاي ئىچىدە مەھەللىگە ياكى رايونلۇق پېنسىيونېرلارنى باشقۇرۇش ئورگىنىغا ئېيتىڭ.",
                    "Hello: after verification, your social-insurance benefit is suspended from next month. If you disagree, tell your community or the district retiree office within three months.",
                )
                .to_string(),
            Self::Restored => l
                .pick(
                    "您好：经核实，您的社会保险待遇已恢复发放，暂停期间的待遇将随下月待遇补发。",
                    "ياخشىمۇسىز: تەكشۈرۈش نەتىجىسىدە ئىجتىمائىي سۇغۇرتا تەمىناتىڭىز ئەسلىگە كەلتۈرۈلدى. توختىتىلغان مەزگىلدىكى تەمىنات كېلەر ئايلىق تەمىنات بىلەن بىللە تولۇقلاپ بېرىلىدۇ.",
                    "Hello: after verification, your social-insurance benefit is paid again; what was held back while it was suspended comes with next month's payment.",
                )
                .to_string(),
            Self::Terminated => l
                .pick(
                    "您好：您的社会保险待遇暂停已满三个月且未提出异议，已终止发放。如有疑问请联系区退管机构。",
                    "ياخشىمۇسىز: ئىجتىمائىي سۇغۇرتا تەمىناتىڭىز توختىتىلغىنىغا ئۈچ ئاي بولدى ۋە ئىتىراز بىلدۈرۈلمىدى، شۇڭا تارقىتىش ئاخىرلاشتۇرۇلدى. سوئالىڭىز بولسا رايونلۇق پېنسىيونېرلارنى باشقۇرۇش ئورگىنى بىلەن ئالاقىلىشىڭ.",
                    "Hello: your social-insurance benefit was suspended three months ago without an objection, so it has ended. If you have questions, contact the district retiree office.",
                )
                .to_string(),
            Self::Reinstated => l
                .pick(
                    "您好：经核实，此前终止您社会保险待遇的决定有误，已恢复发放，停发期间的待遇将随下月待遇补发。",
                    "ياخشىمۇسىز: تەكشۈرۈش نەتىجىسىدە ئىجتىمائىي سۇغۇرتا تەمىناتىڭىزنى ئاخىرلاشتۇرۇش قارارىنىڭ خاتا ئىكەنلىكى ئېنىقلاندى. تەمىنات ئەسلىگە كەلتۈرۈلدى، توختىتىلغان مەزگىلدىكى تەمىنات كېلەر ئايلىق تەمىنات بىلەن بىللە تولۇقلاپ بېرىلىدۇ.",
                    "Hello: after verification, the decision to end your social-insurance benefit was wrong; it is paid again, and what was held back comes with next month's payment.",
                )
                .to_string(),
            Self::RecoveryWithdrawn => l
                .pick(
                    "您好：此前要求退还多领社会保险待遇的依据已被撤回或经核实不成立，追回已撤销；已退还的款项将随下月待遇退回。",
                    "ياخشىمۇسىز: ئارتۇق ئېلىنغان ئىجتىمائىي سۇغۇرتا تەمىناتىنى قايتۇرۇشنى تەلەپ قىلىشنىڭ ئاساسى بىكار قىلىندى ياكى تەكشۈرۈش نەتىجىسىدە ئاساسسىز ئىكەنلىكى ئېنىقلاندى، شۇڭا قايتۇرۇۋېلىش ئەمەلدىن قالدۇرۇلدى. قايتۇرغان پۇلىڭىز كېلەر ئايلىق تەمىنات بىلەن بىللە قايتۇرۇپ بېرىلىدۇ.",
                    "Hello: the grounds for asking you to repay an overpaid benefit were withdrawn or found untrue, so the recovery is cancelled; what you repaid comes back with next month's payment.",
                )
                .to_string(),
            Self::VisitScheduled { on } => match l {
                Language::Zh => format!("您好：社区工作人员将于{on}上门为您办理资格认证，请留意电话。"),
                Language::Ug => format!("ياخشىمۇسىز: مەھەللە خادىملىرى {on} كۈنى ئۆيىڭىزگە كېلىپ تەمىنات ئېلىش سالاھىيىتىڭىزنى دەلىللەيدۇ، تېلېفونىڭىزغا دىققەت قىلىڭ."),
                Language::En => format!("Hello: community staff will visit you at home on {on} to certify your eligibility; please keep your phone at hand."),
            },
            Self::FaceFailedVisit => l
                .pick(
                    "您好：您的刷脸认证未能通过，不用再试了。社区工作人员会在5个工作日内与您联系，上门为您办理认证。",
                    "ياخشىمۇسىز: چىراي تونۇتۇپ دەلىللىشىڭىز ئۆتمىدى، قايتا سىناشنىڭ ھاجىتى يوق. مەھەللە خادىملىرى 5 خىزمەت كۈنى ئىچىدە سىز بىلەن ئالاقىلىشىپ، ئۆيىڭىزگە كېلىپ دەلىللەپ بېرىدۇ.",
                    "Hello: your face check did not pass; there is no need to try again. Community staff will contact you within 5 working days and certify you at home.",
                )
                .to_string(),
            Self::DueSoon { addressee, benefit, due } => {
                let kind = benefit_name(benefit);
                match l {
                    Language::Zh => format!("{addressee}您好：请在{due}前完成{kind}资格认证。可在手机上刷脸认证，行动不便可申请上门服务。"),
                    Language::Ug => format!(
                        "{addressee} ياخشىمۇسىز: {due} دىن بۇرۇن {kind} سالاھىيىتىنى دەلىللەڭ. تېلېفوندا چىراي تونۇتۇپ دەلىللىسىڭىز بولىدۇ؛ سىرتقا چىقالمىسىڭىز ئۆيگە كېلىپ مۇلازىمەت قىلىشنى ئىلتىماس قىلالايسىز."
                    ),
                    Language::En => format!(
                        "Dear {addressee}: please certify your eligibility for the {kind} by {due}. You can do it by face check on your phone; if you cannot get about, ask for a home visit."
                    ),
                }
            }
            Self::Overdue { addressee, benefit, due } => {
                let kind = benefit_name(benefit);
                match l {
                    Language::Zh => format!("{addressee}您好：您的{kind}资格认证已过期限（{due}），请尽快认证，否则将上门核实。"),
                    Language::Ug => format!(
                        "{addressee} ياخشىمۇسىز: {kind} سالاھىيىتىنى دەلىللەش مۆھلىتى ({due}) ئۆتۈپ كەتتى. تېزدىن دەلىللەڭ، بولمىسا خادىملار ئۆيىڭىزگە كېلىپ تەكشۈرىدۇ."
                    ),
                    Language::En => format!(
                        "Dear {addressee}: the certification of your eligibility for the {kind} was due by {due}. Please certify soon, or staff will visit to verify."
                    ),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::language::LANGUAGES;

    fn every_message() -> Vec<Message> {
        let due = NaiveDate::from_ymd_opt(2026, 12, 31).unwrap();
        let addressee = "张*".to_string();
        vec![
            Message::Suspended,
            Message::Restored,
            Message::Terminated,
            Message::Reinstated,
            Message::RecoveryWithdrawn,
            Message::VisitScheduled { on: due },
            Message::FaceFailedVisit,
            Message::DueSoon { addressee: addressee.clone(), benefit: BenefitType::EmployeePension, due },
            Message::Overdue { addressee, benefit: BenefitType::Unemployment, due },
        ]
    }

    /// Han characters, which a Uyghur or English reader may not read.
    fn han(text: &str) -> Vec<char> {
        text.chars().filter(|c| ('\u{4e00}'..='\u{9fff}').contains(c)).collect()
    }

    /// Every message says something in every language, and a message in
    /// Uyghur or English carries no Chinese but the greeting's masked name.
    #[test]
    fn every_message_is_written_in_every_language() {
        for message in every_message() {
            for language in LANGUAGES {
                let text = message.text(language);
                assert!(text.chars().count() > 20, "{message:?} in {language:?}: {text}");
                let foreign = han(&text.replace("张", ""));
                assert_eq!(language == Language::Zh, !foreign.is_empty(), "{message:?} in {language:?}: {text}");
            }
        }
    }

    /// Dates and the benefit's name appear in the person's language.
    #[test]
    fn reminders_name_the_day_and_the_benefit() {
        let due = NaiveDate::from_ymd_opt(2026, 12, 31).unwrap();
        let reminder = Message::DueSoon { addressee: "李*".into(), benefit: BenefitType::ResidentPension, due };
        for (language, name) in [
            (Language::Zh, BenefitType::ResidentPension.name_zh()),
            (Language::Ug, BenefitType::ResidentPension.name_ug()),
            (Language::En, BenefitType::ResidentPension.name_en()),
        ] {
            let text = reminder.text(language);
            assert!(text.contains("2026-12-31") && text.contains(name) && text.contains("李*"), "{text}");
        }
    }
}
