"""headings that are not Keep a Changelog"""
