"""GraphQL documents the client tests send (shapes as in the official SDK's documents)."""

LIST_TEAMS = "query ListTeams { teams { id key name createdAt } }"

CREATE_TEAM = """
mutation CreateTeam($input: TeamCreate!) {
  createTeam(input: $input) { id key name createdAt }
}
"""

CREATE_PROJECT = """
mutation CreateProject($input: ProjectCreate!) {
  createProject(input: $input) { id key name }
}
"""

CREATE_USER = """
mutation CreateUser($input: UserCreate!) {
  createUser(input: $input) { user { id email } generatedApiKey }
}
"""

CREATE_RECIPE = """
mutation CreateCustomRecipe($project: IdOrKey!, $input: CreateRecipeInput!, $file: Upload!) {
  createCustomRecipe(project: $project, input: $input, file: $file) { id key name entrypoint }
}
"""

GET_RECIPE = """
query GetCustomRecipe($idOrKey: IdOrKey!, $project: IdOrKey!) {
  customRecipe(idOrKey: $idOrKey, project: $project) { key content contentFiles }
}
"""
