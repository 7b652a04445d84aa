"""Login throttling: limits shared between processes, and a bounded pool for password hashing."""
