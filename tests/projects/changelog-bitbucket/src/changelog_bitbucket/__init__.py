"""Bitbucket compare links"""
