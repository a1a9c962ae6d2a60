# Media accreditation and Declaration signatures live here (issues to come).
