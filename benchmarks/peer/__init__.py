"""Side by side with django-helpdesk 2.6.1 (issue 13): see run.py."""
