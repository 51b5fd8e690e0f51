//! The cross-component tests: one module per feature, each in its own file
//! beside this one, compiled into one test binary so that it is built,
//! linked and started once. Each test spawns its own app with fresh state.

mod architecture;
mod archives;
mod audit;
mod authorization;
mod body_limits;
mod casework;
mod certification;
mod datashare_imports;
mod decide_once;
mod decide_once_model;
mod demo;
mod front_desk;
mod health;
mod host_config;
mod host_routing;
mod host_state;
mod keys;
mod languages;
mod lists;
mod partners;
mod policies;
mod privacy;
mod readme;
mod recipients;
mod recovery;
mod registry;
mod reports;
mod review_days;
mod routes;
mod staff_access;
mod static_files;
mod timers;
