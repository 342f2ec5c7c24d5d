//! The sample dataset bundled with capscore (the repository's `data/sample/`), compiled
//! in so that `capscore demo` runs anywhere.

pub(crate) const FILES: &[(&str, &[u8])] = &[
    (
        "partners.csv",
        include_bytes!("../../../data/sample/partners.csv"),
    ),
    (
        "tenants.csv",
        include_bytes!("../../../data/sample/tenants.csv"),
    ),
    (
        "associations.csv",
        include_bytes!("../../../data/sample/associations.csv"),
    ),
    (
        "m365_usage.csv",
        include_bytes!("../../../data/sample/m365_usage.csv"),
    ),
    (
        "azure_usage.csv",
        include_bytes!("../../../data/sample/azure_usage.csv"),
    ),
    (
        "bizapps_usage.csv",
        include_bytes!("../../../data/sample/bizapps_usage.csv"),
    ),
    (
        "certifications.csv",
        include_bytes!("../../../data/sample/certifications.csv"),
    ),
];
