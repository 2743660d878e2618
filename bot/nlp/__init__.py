"""The Dutch spaCy pipeline that Rasa's SpacyNLP loads."""
