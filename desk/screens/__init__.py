"""Screens of the desk app: where the keys are handled and the store is read, in workers."""
