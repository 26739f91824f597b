// The Diagrams module.
