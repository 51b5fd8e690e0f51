//! zige's services: what carries out the domain's effects. The one
//! executor (`workflow`), partner records turned into evidence for the
//! webhook and the bulk import (`datashare`), the front desk's objections
//! and home-visit requests (`front_desk`), and the timer jobs (`timers`).

pub mod datashare;
pub mod front_desk;
pub mod timers;
pub mod workflow;
