//! Duban's domain: the supervision ledger (督查工作台账), its matters and tasks, the procedures
//! of the notice as state machines, and who may do what. Pure: no database, no HTTP.

pub mod accountability;
pub mod calendar;
pub mod deadline;
pub mod error;
pub mod figures;
pub mod ids;
pub mod input;
pub mod matter;
pub mod org;
pub mod policy;
pub mod procedure;
pub mod scoring;
pub mod special;
pub mod time;

pub use accountability::*;
pub use calendar::*;
pub use deadline::*;
pub use error::DomainError;
pub use figures::*;
pub use ids::*;
pub use matter::*;
pub use org::*;
pub use procedure::*;
pub use scoring::*;
pub use special::*;
