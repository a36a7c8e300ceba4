"""Template filters of the pages (loaded by name in a template, such as ``{% load lists %}``)."""
