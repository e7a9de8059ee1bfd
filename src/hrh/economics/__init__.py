"""Economics of health-worker migration: lost public investment, savings and cost sharing."""
