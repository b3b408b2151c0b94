"""interviews"""
