"""Cases: intake, the coordination flow, referrals, need-to-know access and the timeline."""
