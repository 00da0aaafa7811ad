"""[UNRELEASED], v-prefixed versions, GitLab links"""
