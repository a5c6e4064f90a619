"""Empty until the app is built; docs/architecture.md says which base pieces it will use."""
