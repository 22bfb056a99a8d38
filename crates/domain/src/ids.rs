//! Typed identifiers: a `UnitId` cannot be passed where a `UserId` is meant.

use serde::{Deserialize, Serialize};

macro_rules! id_type {
    ($($name:ident),*) => {$(
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub i64);
        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, "{}", self.0)
            }
        }
    )*};
}

id_type!(
    UserId,
    UnitId,
    MatterId,
    TaskId,
    BulletinId,
    ReportId,
    AttachmentId,
    ApplicationId,
    PlanItemId
);
