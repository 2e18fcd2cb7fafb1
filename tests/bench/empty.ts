// The baseline of the invocation benchmark: a module that does nothing.
