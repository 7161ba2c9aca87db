"""Early detection: screened posts, campaigns, reviews, contacts and departure screenings."""
