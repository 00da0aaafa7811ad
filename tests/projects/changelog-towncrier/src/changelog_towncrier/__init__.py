"""towncrier builds the news file from fragments"""
