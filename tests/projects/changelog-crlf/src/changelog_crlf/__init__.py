"""Windows line endings"""
