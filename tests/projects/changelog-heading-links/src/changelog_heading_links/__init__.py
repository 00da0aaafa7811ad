"""compare links inside the headings, tags without a v"""
