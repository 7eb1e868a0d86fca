"""The Zalo channels: the Official Account (OA) Open API and the Zalo Bot Platform."""
