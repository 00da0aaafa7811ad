"""Codeberg (Gitea, Forgejo) links; the oldest release has none"""
