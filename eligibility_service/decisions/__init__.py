"""Decision questions (their facts and answers) and the service that answers them."""
