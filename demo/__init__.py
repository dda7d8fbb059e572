"""The demo data: users and the real stories of DOMAIN.md, loaded by `manage.py load_demo`.

A place of its own above every app (it calls their services, none imports it), installed like
them only so that its command exists.
"""
