// The Grader module.
