"""Problem management: the shared cause of several incidents, its workaround and fix."""
