"""The open-data catalogue: the case library (and public indicator series) in DCAT-AP."""
