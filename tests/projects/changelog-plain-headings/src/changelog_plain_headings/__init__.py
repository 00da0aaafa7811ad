"""headings without brackets and no links"""
