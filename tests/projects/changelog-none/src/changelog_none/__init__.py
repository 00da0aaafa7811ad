"""no changelog at all"""
