"""The JSON REST API: the same core and the same access rules as the pages."""
