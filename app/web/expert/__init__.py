"""The invited expert's pages: one route's delivered version and the opinion form, reached
through an e-mailed link, without an account."""
