//! Integer ids. Strings are interned once at load time; everything after works on these.

use serde::{Deserialize, Serialize};

macro_rules! id {
    ($(#[$doc:meta])* $name:ident($inner:ty)) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        pub struct $name(pub $inner);
        impl $name {
            /// The id as an index into the table that defines it.
            #[must_use]
            pub fn index(self) -> usize {
                self.0 as usize
            }
        }
    };
}

id!(
    /// A partner account: index into the dataset's partner table.
    PartnerIdx(u32)
);
id!(
    /// A customer tenant: index into the dataset's tenant interner.
    TenantIdx(u32)
);
id!(
    /// A person (certification holder): index into the dataset's person interner.
    PersonIdx(u32)
);
id!(
    /// A workload: index into the catalog's workload list.
    WorkloadId(u16)
);
id!(
    /// A certification: index into the catalog's certification list.
    CertId(u16)
);
id!(
    /// An association type: index into the catalog's association type list (at most 32).
    AssocTypeId(u8)
);

/// A set of association types, as a bit mask over [`AssocTypeId`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct AssocMask(pub u32);

impl AssocMask {
    /// The empty set.
    pub const EMPTY: AssocMask = AssocMask(0);

    /// The set holding one type.
    #[must_use]
    pub fn of(id: AssocTypeId) -> Self {
        AssocMask(1u32 << id.0)
    }

    /// Whether the set holds the type.
    #[must_use]
    pub fn contains(self, id: AssocTypeId) -> bool {
        self.0 & (1u32 << id.0) != 0
    }

    /// The union of two sets.
    #[must_use]
    pub fn union(self, other: AssocMask) -> Self {
        AssocMask(self.0 | other.0)
    }

    /// Whether the set is empty.
    #[must_use]
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }
}
