"""Approved journalists' access to the meeting: a personal link on this site
(`links`), its time window (`window`), and the meeting providers behind it
(`providers`): the meeting's address never leaves the site in a mail."""
