//! Integration tests: run the real `netstage` binary on fixture files.
