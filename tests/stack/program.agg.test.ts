import { describeRecipeStack } from "../support/recipeStack";

describeRecipeStack("agg");
