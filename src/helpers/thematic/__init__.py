"""thematic"""
