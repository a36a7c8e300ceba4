"""Alerts that bring a child's history to the worker (issue 14).

A feed run (:func:`wholestory.feed.run_feed`) notes what the children it touched were
before its rebuild, then raises the rules' alerts (:mod:`.rules`), keeps each once, and
tells the users each is for who may see the child (:mod:`.recipients`), audited; all
three steps are :func:`.running.after_feed`. The package's modules are imported by name
(a page reading alerts need not load the rules). The web
layer sends the email digests (``wholestory.web.accounts.alert_mail``) and shows each
alert with the history it brings (:mod:`.digest`), shaped for its reader.
"""
