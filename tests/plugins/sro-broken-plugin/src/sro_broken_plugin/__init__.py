"""A plugin whose import fails, as one does when a driver it needs is not installed."""

raise ImportError("sro-broken-plugin needs the sro_missing_driver package, which is not installed")
