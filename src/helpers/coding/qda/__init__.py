"""coding.qda"""
