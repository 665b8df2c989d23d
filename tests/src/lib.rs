//! End-to-end tests of Lucarne live in `tests/tests/`; this library holds their shared support.
