"""The office's partner directory as the MRC uses it (issue 19 point 8): the partners the office
works with, its contact people there (`core.partners`) and its consent templates, kept by the
office head on /mrc/partners/ and offered on the case's consent and referral forms."""
