"""before its first release, linked to the commits of main"""
