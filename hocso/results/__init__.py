"""Results that travel from units to the centre: signed bundles (`bundle`) and the centre's store (`centre`)."""
