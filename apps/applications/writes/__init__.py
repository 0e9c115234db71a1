"""The write path: the ATS write actions of the contract (§5), connector-agnostic."""
