import Hummingbird

/// Registers the dashboard's pages on the server's router: `/` redirects to `/ui/`, the pages
/// and forms live under `/ui/`, the stylesheet under `/ui/static/`.
public enum DashboardRoutes {
    static func register(on router: Router<KeywardRequestContext>, node: KeywardNode) throws {
        let dashboard = try Dashboard(node: node)
        router.get("/") { _, _ in DashboardRenderer.redirect("/ui/") }
        let ui = router.group("ui").add(middleware: DashboardErrorMiddleware(dashboard: dashboard))
        ui.get("static/dashboard.css") { _, _ in dashboard.renderer.stylesheetResponse() }
        ui.get("signin") { request, context in try await dashboard.signInPage(request, context: context) }
        ui.post("signin") { request, context in try await dashboard.signIn(request, context: context) }
        ui.post("signout", use: dashboard.action(needsWrite: false) { request, _, user, _ in try await dashboard.signOut(request, user: user) })

        ui.get("", use: dashboard.page { request, _, user in try await dashboard.overview(request, user: user) })
        ui.get("inventory", use: dashboard.page { request, _, user in try await dashboard.inventory(request, user: user) })
        ui.get("inventory.csv", use: dashboard.page { request, _, user in try await dashboard.inventoryCSV(request, user: user) })

        ui.get("keys/:id", use: dashboard.page { request, context, user in try await dashboard.keyPage(request, context: context, user: user) })
        ui.get("keys/:id/confirm/:action", use: dashboard.page { request, context, user in
            try await dashboard.confirmKeyAction(request, context: context, user: user)
        })
        ui.post("keys/:id/:action", use: dashboard.action { _, context, user, form in
            try await dashboard.keyAction(context: context, user: user, form: form)
        })

        ui.get("findings", use: dashboard.page { request, _, user in try await dashboard.findings(request, user: user) })
        ui.post("findings/:id/acknowledge", use: dashboard.action { _, context, user, form in
            try await dashboard.acknowledgeFinding(context: context, user: user, form: form)
        })
        ui.post("findings/evaluate", use: dashboard.action { _, _, user, _ in try await dashboard.evaluateFindings(user: user) })

        ui.get("reviews", use: dashboard.page { _, _, user in try await dashboard.reviews(user: user) })
        ui.get("reviews/:id", use: dashboard.page { request, context, user in try await dashboard.review(request, context: context, user: user) })
        ui.post("reviews/:id/attest", use: dashboard.action { _, context, user, form in
            try await dashboard.attest(context: context, user: user, form: form)
        })

        ui.get("drills", use: dashboard.page { _, _, user in try await dashboard.drills(user: user) })
        ui.get("audit", use: dashboard.page { request, _, user in try await dashboard.audit(request, user: user) })
        ui.get("audit/verify", use: dashboard.page { _, _, user in try await dashboard.verifyAudit(user: user) })
    }
}
